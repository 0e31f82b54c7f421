/**
 * States.StringSplit(text, delimiters): the text cut at every character of `delimiters`, the
 * empty pieces left out.
 */
import { expectCount, expectString, type IntrinsicFunction } from '../arguments.ts';

export const stringSplit: IntrinsicFunction = (args, name) => {
  expectCount(name, args, 2);
  const text = expectString(name, args[0], 'the string');
  const delimiters = new Set(expectString(name, args[1], 'the delimiters'));
  const pieces: string[] = [];
  let piece = '';
  for (const char of text) {
    if (delimiters.has(char)) {
      if (piece) pieces.push(piece);
      piece = '';
    } else {
      piece += char;
    }
  }
  if (piece) pieces.push(piece);
  return pieces;
};
