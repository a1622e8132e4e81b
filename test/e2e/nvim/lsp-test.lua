-- Headless Neovim (0.7, Debian 12) as a second, independent LSP client of the bundled server,
-- started by README.md's Neovim 0.7 snippet exactly as written there (this file extracts and runs
-- it; `scopewise-language-server` is on the PATH). Opens a policy without "Version" that grants
-- iam:PassRole on "*", waits for the diagnostics, checks their codes, sources and docs links and
-- the client's root folder, reads the hover on the action, applies the "Add \"Version\"" quick
-- fix through a textDocument/codeAction request, and waits for that diagnostic to go away.
-- Run (test/e2e/run.sh does): PATH=<folder with scopewise-language-server>:$PATH \
--   SCOPEWISE_README=/abs/README.md SCOPEWISE_FILE=/abs/dir/policy.json \
--   nvim --headless -u NONE -i NONE -n -c "luafile test/e2e/nvim/lsp-test.lua"
-- where /abs/dir holds a .scopewise.json, so that it is the client's root folder.
local readme, file = vim.env.SCOPEWISE_README, vim.env.SCOPEWISE_FILE
local timeout = tonumber(vim.env.SCOPEWISE_TIMEOUT_MS or '15000')
local started = vim.loop.hrtime()
local function log(...)
  local ms = (vim.loop.hrtime() - started) / 1e6
  io.stdout:write(string.format('[nvim %6.0fms] ', ms) .. table.concat({ ... }, ' ') .. '\n')
end
local function fail(msg)
  log('FAIL: ' .. msg)
  vim.cmd('cquit 1')
end
if not readme or not file then fail('set SCOPEWISE_README and SCOPEWISE_FILE') end
if vim.fn.executable('scopewise-language-server') ~= 1 then fail('scopewise-language-server is not on the PATH') end

-- README's snippet: the lua block that starts with this line, up to the closing fence.
local FIRST_LINE = '-- Scopewise language server, Neovim 0.7 to 0.10\n'
local text = table.concat(vim.fn.readfile(readme), '\n')
local from = text:find('```lua\n' .. FIRST_LINE, 1, true)
if not from then fail('README.md has no lua block starting with ' .. FIRST_LINE) end
from = from + #'```lua\n'
local to = text:find('\n```', from, true)
local snippet = text:sub(from, to)
log('README snippet: ' .. select(2, snippet:gsub('\n', '')) .. ' lines')

-- The diagnostics exactly as published, so that codeAction gets them back unchanged, and the
-- server's document status: global handlers, which the snippet's client uses.
local published = {}
local status = nil
local default_diagnostics = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  published[result.uri] = result.diagnostics
  return default_diagnostics(err, result, ctx, config)
end
local uri = vim.uri_from_fname(vim.fn.fnamemodify(file, ':p'))
vim.lsp.handlers['scopewise/documentStatus'] = function(_, result)
  if result.uri == uri then status = result end
end

local chunk, err = loadstring(snippet, '=README.md (Neovim 0.7 snippet)')
if not chunk then fail('the README snippet does not load: ' .. err) end
chunk()

-- Without -u, nothing detects file types: setting it runs the snippet's FileType autocommand.
vim.cmd('edit ' .. vim.fn.fnameescape(file))
vim.bo.filetype = 'json'
local bufnr = vim.api.nvim_get_current_buf()
if vim.uri_from_bufnr(bufnr) ~= uri then fail('the buffer URI is ' .. vim.uri_from_bufnr(bufnr)) end
-- A client is listed for the buffer once the server has answered initialize.
local client_id = nil
vim.wait(timeout, function()
  for id, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if c.name == 'scopewise' then client_id = id end
  end
  return client_id ~= nil
end, 20)
if not client_id then fail('the README snippet attached no scopewise client to the buffer') end
local root = vim.lsp.get_client_by_id(client_id).config.root_dir
if root ~= vim.fn.fnamemodify(file, ':p:h') then fail('the client root is ' .. tostring(root)) end
log('CLIENT ' .. client_id .. ' root ' .. root)

local function codes()
  local set = {}
  for _, d in ipairs(published[uri] or {}) do set[d.code] = d end
  return set
end

local expected = { 'passrole-unscoped', 'policy-version', 'wildcard-resource' }
local arrived = vim.wait(timeout, function()
  local set = codes()
  for _, code in ipairs(expected) do
    if not set[code] then return false end
  end
  return true
end, 20)
if not arrived then fail('expected diagnostics did not arrive; got ' .. vim.inspect(published[uri])) end
for _, d in ipairs(published[uri]) do
  log(string.format('DIAG %d:%d %s [%s] %s', d.range.start.line + 1, d.range.start.character + 1, d.code, d.source, d.message))
  if d.source ~= 'scopewise' then fail('diagnostic source is ' .. tostring(d.source)) end
  local href = d.codeDescription and d.codeDescription.href or ''
  if not href:find('docs/rules/' .. d.code .. '.md', 1, true) then fail('codeDescription.href is ' .. href) end
end
local set = codes()
if set['passrole-unscoped'].severity ~= 1 then fail('passrole-unscoped is not an error') end
if vim.api.nvim_buf_get_lines(bufnr, 4, 5, false)[1]:sub(set['passrole-unscoped'].range.start.character + 1, set['passrole-unscoped'].range['end'].character) ~= '"iam:PassRole"' then
  fail('passrole-unscoped does not cover "iam:PassRole"')
end
if not vim.wait(timeout, function() return status ~= nil end, 20) then fail('no scopewise/documentStatus notification') end
log(string.format('STATUS kind=%s version=%d findings=%d', status.kind, status.version, status.findings))
if status.kind ~= 'iam-policy' then fail('documentStatus kind is ' .. status.kind) end

local client = vim.lsp.get_client_by_id(client_id)

-- Hover on the action: the catalog's entry (name, service, access level) and the finding's rule.
local action_line = vim.api.nvim_buf_get_lines(bufnr, 4, 5, false)[1]
local hover = client.request_sync('textDocument/hover', {
  textDocument = { uri = uri },
  position = { line = 4, character = action_line:find('iam:PassRole', 1, true) },
}, timeout, bufnr)
if not hover or hover.err or not hover.result then fail('hover failed: ' .. vim.inspect(hover)) end
local contents = hover.result.contents
if type(contents) ~= 'table' or contents.kind ~= 'markdown' then fail('hover is not markdown: ' .. vim.inspect(contents)) end
for _, piece in ipairs({
  '**iam:PassRole** · AWS Identity and Access Management (IAM) · Write',
  '**passrole-unscoped** (error)',
}) do
  if not contents.value:find(piece, 1, true) then fail('hover lacks ' .. piece .. ':\n' .. contents.value) end
end
log('HOVER ' .. contents.value:match('^[^\n]*'))
local version_diag = set['policy-version']
local resp = client.request_sync('textDocument/codeAction', {
  textDocument = { uri = uri },
  range = version_diag.range,
  context = { diagnostics = { version_diag }, only = { 'quickfix' } },
}, timeout, bufnr)
if not resp or resp.err or not resp.result then fail('codeAction failed: ' .. vim.inspect(resp)) end
local action = nil
for _, a in ipairs(resp.result) do
  log('ACTION ' .. a.title .. (a.isPreferred and ' (preferred)' or ''))
  if a.title == 'Add "Version": "2012-10-17"' then action = a end
end
if not action then fail('no "Add \\"Version\\"" quick fix') end
if not action.edit then fail('the quick fix has no edit (resolve is not used by Scopewise)') end
vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or 'utf-16')

local text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
if not text:find('"Version": "2012-10-17",', 1, true) then fail('the buffer did not change:\n' .. text) end
local cleared = vim.wait(timeout, function()
  local now = codes()
  return now['policy-version'] == nil and now['passrole-unscoped'] ~= nil
end, 20)
if not cleared then fail('policy-version did not go away after the fix; got ' .. vim.inspect(published[uri])) end
log('BUFFER AFTER FIX:')
for _, l in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do log('  ' .. l) end

-- A second file under the same root (YAML) gets the same client, not a second server.
vim.cmd('edit ' .. vim.fn.fnameescape(vim.fn.fnamemodify(file, ':p:h') .. '/template.yaml'))
vim.bo.filetype = 'yaml'
local yaml_buf = vim.api.nvim_get_current_buf()
if not vim.lsp.buf_get_clients(yaml_buf)[client_id] then fail('template.yaml is not attached to the client') end
local count = 0
for _, c in pairs(vim.lsp.get_active_clients()) do
  if c.name == 'scopewise' then count = count + 1 end
end
if count ~= 1 then fail(count .. ' scopewise clients are running, not 1') end
log('SECOND BUFFER template.yaml attached to client ' .. client_id)
log('PASS')
vim.lsp.stop_client(client_id)
vim.cmd('qall!')
