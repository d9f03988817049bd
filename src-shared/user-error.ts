// Errors written for the user. Main shows a UserError's message as it is (in the window, the
// tray, a notification); any other error is a bug: it is logged with its stack and the user
// sees "Something went wrong — details in the log".
export class UserError extends Error {
  override name = 'UserError';
}

export const INTERNAL_ERROR_MESSAGE = 'Something went wrong — details in the log.';
