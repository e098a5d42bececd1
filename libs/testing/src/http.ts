/** Test-side JSON reading: the body as a loosely typed object, for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const readJson = async (response: Response): Promise<any> => response.json();
