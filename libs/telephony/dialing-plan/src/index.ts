export { compileDialingPlan, DialingPlan, MAX_RULES, type DialingPlanCompilation, type DialingResult, type DialingStep } from './dialing-plan';
export {
  TOKEN_NAMES,
  type DialingPlanError,
  type DialingPlanSettings,
  type ResolvedDialingPlanSettings,
} from './dialing-plan-settings';
export { isRegexPattern, MAX_VALUE_LENGTH, type AppliedRule, type DialingRule } from './dialing-rule';
export { standardRules, STANDARD_RULE_PRIORITIES } from './standard-rules';
export { InvalidPhoneNumberError, MAX_NUMBER_LENGTH } from './number-cleaning';
export { MAX_PATTERN_LENGTH } from './safe-regex';
export type { NumberOrigin } from './canonical-number';
