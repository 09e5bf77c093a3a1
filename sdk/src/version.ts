/** The SDK's name and version, as stamped on every record it sends. */
export const SDK_NAME = '@sightline/sdk';
export const SDK_VERSION = '0.3.0';
