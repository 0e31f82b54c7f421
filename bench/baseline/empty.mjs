// The floor: a handler that does nothing, so the harness measures Node's own start.
export const handler = async () => null;
