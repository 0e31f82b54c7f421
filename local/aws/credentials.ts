/**
 * The credentials the platform's own clients (and the tools, the console, the tests) sign with:
 * DynamoDB Local, dynalite and the other local endpoints accept any.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
