import { contrastRatio, PAGE_BACKGROUND } from "@/lib/claims/brand-palette";

const AA_TEXT = 4.5;

/**
 * What the branding form warns about: colours that fail WCAG 2.2 AA where the claim page
 * uses them. The claim page stays readable anyway (it darkens such colours), but then
 * it no longer shows exactly the colour chosen, which the person should know.
 */
export function brandingContrastWarnings(colors: {
  primaryColor: string;
  accentColor: string;
}): string[] {
  const warnings: string[] = [];
  const onPrimary = Math.max(
    contrastRatio(colors.primaryColor, "#ffffff"),
    contrastRatio(colors.primaryColor, "#111827"),
  );
  if (onPrimary < AA_TEXT) {
    warnings.push(
      `Button text on the primary colour reaches only ${onPrimary.toFixed(2)}:1 (WCAG AA needs 4.5:1); the claim page will darken it.`,
    );
  }
  const primaryOnPage = contrastRatio(colors.primaryColor, PAGE_BACKGROUND);
  if (primaryOnPage < AA_TEXT && onPrimary >= AA_TEXT) {
    warnings.push(
      `Links in the primary colour on white reach ${primaryOnPage.toFixed(2)}:1 (WCAG AA needs 4.5:1); the claim page will use a darker shade for text.`,
    );
  }
  const accentOnPage = contrastRatio(colors.accentColor, PAGE_BACKGROUND);
  if (accentOnPage < AA_TEXT) {
    warnings.push(
      `The accent colour on white reaches ${accentOnPage.toFixed(2)}:1 (WCAG AA needs 4.5:1); the claim page will darken it.`,
    );
  }
  return warnings;
}
