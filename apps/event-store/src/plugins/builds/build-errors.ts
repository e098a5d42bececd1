import { isTributaryError, TributaryError } from '@tributary/domain';

export const buildNotFound = () => new TributaryError('not_found', 'build_not_found', 'No such build');

export const projectNotFound = () => new TributaryError('not_found', 'project_not_found', 'No such project');

/** GraphQL answers an unknown build or project with null, where REST answers 404 with the error's code. */
export const nullWhen = async <T>(code: string, work: Promise<T>): Promise<T | null> =>
  work.catch((error: unknown) => {
    if (isTributaryError(error) && error.code === code) return null;
    throw error;
  });
