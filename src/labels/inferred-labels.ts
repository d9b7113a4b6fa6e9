/**
 * Label import formats whose labels are inferences drawn from the transfers, not entries of a list:
 * screening shows them marked as inferred (with their source and confidence) and never takes them
 * for sanctions; a rerun of the inference replaces its earlier labels.
 */

/** Inferred exchange deposit addresses (`chaintrail labels infer-deposits`, src/trace/infer-deposits.ts). */
export const INFERRED_DEPOSITS_FORMAT = 'inferred-deposits';

/** Every format of inferred labels. */
export const INFERRED_LABEL_FORMATS: ReadonlySet<string> = new Set([INFERRED_DEPOSITS_FORMAT]);
