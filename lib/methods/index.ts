export { findMethod, getMethod, methodCatalog } from "./catalog";
export { sepaCountries } from "./catalog/bank-transfers";
export { type CharityId, charities, charityIds } from "./charities";
export { type DetailErrorKey, detailErrors } from "./details/fields";
export { pixKeyTypes } from "./details/local-rail-details";
export {
  type Eligibility,
  type EligibilityInput,
  eligibleMethods,
  type IneligibilityCode,
  type IneligibilityReason,
  ineligibilityCodes,
  isCountryCode,
  methodsQuerySchema,
} from "./eligibility";
export { methodFee } from "./fees";
export { giftCardBrands, giftCardBrandsFor, giftCardCountries } from "./gift-card-brands";
export { detailsSchemaFor, parseMethodDetails } from "./method-details";
export {
  type MethodsResponse,
  methodsResponseSchema,
  payoutMethodResourceSchema,
  serializeEligibility,
  serializeMethod,
} from "./serialize";
export {
  type FeeSchedule,
  type GiftCardBrand,
  type MethodDefinition,
  type MethodId,
  type MethodProvider,
  methodIdSchema,
  methodIds,
  type Speed,
  speedMessageKeys,
  speeds,
} from "./types";
