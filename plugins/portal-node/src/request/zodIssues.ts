/**
 * What the formatters need of a zod issue (zod 3 and 4 alike); a `ZodError`'s `issues` fit.
 *
 * @public
 */
export interface ZodIssueLike {
  /** Where in the value the issue is: keys and array indexes, outermost first. */
  path: readonly PropertyKey[];
  /** What is wrong, or what is allowed, as zod words it. */
  message: string;
}

/**
 * One zod issue as `<dotted path>: <message>`, such as `deployment.status: Invalid option`.
 *
 * @param root - what to name an issue of the value itself (an empty path): `(root)`, `(row)`
 * @public
 */
export function formatZodIssue(issue: ZodIssueLike, root = '(root)'): string {
  // String() rather than join's own conversion: a symbol key would make join throw.
  const field = issue.path.length ? issue.path.map(String).join('.') : root;
  return `${field}: ${issue.message}`;
}

/**
 * `Invalid <field>: <message>` for the first issue of a failed parse: the one-line InputError
 * message of endpoints that answer with the first problem only.
 *
 * @param root - what to name an issue of the value itself; `request` unless told
 * @public
 */
export function firstZodIssueMessage(
  error: { issues: readonly ZodIssueLike[] },
  root = 'request',
): string {
  const [issue] = error.issues;
  return issue ? `Invalid ${formatZodIssue(issue, root)}` : `Invalid ${root}`;
}
