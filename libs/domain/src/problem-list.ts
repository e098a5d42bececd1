/** How many problems a refusal lists at most: an input with half a million unknown keys must not get an answer of megabytes. */
export const MAX_LISTED_PROBLEMS = 20;

/** The first MAX_LISTED_PROBLEMS problems, joined, and how many more there are. */
export function listProblems(problems: readonly string[], separator = '; '): string {
  const shown = problems.slice(0, MAX_LISTED_PROBLEMS).join(separator);
  return problems.length > MAX_LISTED_PROBLEMS ? `${shown}${separator}and ${problems.length - MAX_LISTED_PROBLEMS} more` : shown;
}

/** The fields a refusal names (its `details.fields`): the first MAX_LISTED_PROBLEMS of them. */
export const listedFields = (fields: readonly string[]): string[] => fields.slice(0, MAX_LISTED_PROBLEMS);
