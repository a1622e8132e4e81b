/**
 * Our own table of CodePipeline action types: what each provider does, its configuration keys,
 * how many artifacts it takes and gives, which permissions the pipeline's service role needs to
 * run it, and which roles it hands to other services. Facts come from the AWS "Action structure
 * reference" pages (one link per row) and the CodePipeline service-role page; the descriptions are
 * ours. Comments in the row files say where a fact is uncertain or where pages disagree.
 * Providers missing here (custom actions, partner actions) are never judged.
 *
 * The table is plain data, looked up through a `Map` built once: provider names come from
 * untrusted documents, so no object is ever indexed with them.
 */
import { BUILD_TEST_TYPES } from './action-types/build-test';
import { CLOUDFORMATION_TYPES } from './action-types/deploy-cloudformation';
import { DEPLOY_TYPES } from './action-types/deploy';
import { DEPLOY_V2_TYPES } from './action-types/deploy-v2';
import { OTHER_TYPES } from './action-types/other';
import { SOURCE_TYPES } from './action-types/source';
import type { ActionType, ConfigKey } from './action-types/types';

export type {
  ActionCategory,
  ActionType,
  ConfigKey,
  CountRange,
  PassedRole,
  RolePermission,
} from './action-types/types';

/** The table, one row per category, provider and owner set, in category order. */
export const ACTION_TYPES: readonly ActionType[] = [
  ...SOURCE_TYPES,
  ...BUILD_TEST_TYPES,
  ...CLOUDFORMATION_TYPES,
  ...DEPLOY_TYPES,
  ...DEPLOY_V2_TYPES,
  ...OTHER_TYPES,
];

const byKey = new Map<string, ActionType>();
for (const type of ACTION_TYPES) {
  for (const owner of type.owners) byKey.set(`${owner}\0${type.category}\0${type.provider}`, type);
}

/** The action type for an owner, category and provider, matched exactly as the API does. */
export function findActionType(
  owner: string,
  category: string,
  provider: string,
): ActionType | undefined {
  return byKey.get(`${owner}\0${category}\0${provider}`);
}

/** The action types of a category and owner (either may be omitted), in table order. */
export function actionTypesFor(category?: string, owner?: string): ActionType[] {
  return ACTION_TYPES.filter(
    (t) =>
      (category === undefined || t.category === category) &&
      (owner === undefined || t.owners.includes(owner)),
  );
}

/** The configuration key of an action type, matched exactly. */
export function configKey(type: ActionType, name: string): ConfigKey | undefined {
  return type.configuration.find((key) => key.name === name);
}
