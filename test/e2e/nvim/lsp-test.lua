-- Headless Neovim (0.7, Debian 12) as a second, independent LSP client of the bundled server.
-- Opens a policy without "Version" that grants iam:PassRole on "*", waits for the diagnostics,
-- checks their codes, sources and docs links, reads the hover on the action, applies the
-- "Add \"Version\"" quick fix through a textDocument/codeAction request, and waits for that
-- diagnostic to go away.
-- Run: SCOPEWISE_SERVER=/abs/dist/server.js SCOPEWISE_FILE=/abs/policy.json \
--        nvim --headless -u NONE -i NONE -n -c "luafile test/e2e/nvim/lsp-test.lua"
local server, file = vim.env.SCOPEWISE_SERVER, vim.env.SCOPEWISE_FILE
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
if not server or not file then fail('set SCOPEWISE_SERVER and SCOPEWISE_FILE') end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
vim.bo.filetype = 'json'
local bufnr = vim.api.nvim_get_current_buf()
local uri = vim.uri_from_bufnr(bufnr)
-- The diagnostics exactly as published, so that codeAction gets them back unchanged.
local published = {}
local status = nil

local client_id = vim.lsp.start_client({
  name = 'scopewise',
  cmd = { 'node', server, '--stdio' },
  root_dir = vim.fn.fnamemodify(file, ':h'),
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      published[result.uri] = result.diagnostics
      return vim.lsp.handlers['textDocument/publishDiagnostics'](err, result, ctx, config)
    end,
    ['scopewise/documentStatus'] = function(_, result)
      if result.uri == uri then status = result end
    end,
  },
})
if not client_id then fail('start_client failed') end
vim.lsp.buf_attach_client(bufnr, client_id)

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
log('PASS')
vim.lsp.stop_client(client_id)
vim.cmd('qall!')
