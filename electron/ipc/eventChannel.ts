/** The single IPC channel on which main pushes `(eventName, payload)` to the page; the preload filters by name. */
export const EVENT_CHANNEL = 'sdpm:event';
