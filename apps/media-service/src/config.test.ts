import { describe, expect, it } from 'vitest';
import { loadMediaConfig } from './config.ts';

describe('media config', () => {
  it('defaults to the local stack', () => {
    expect(loadMediaConfig({})).toMatchObject({ MEDIA_PORT: 3001, S3_ENDPOINT: 'http://127.0.0.1:9000', S3_BUCKET: 'chucar-media', REDIS_PORT: 6380 });
  });

  it('an empty S3_ENDPOINT selects AWS itself rather than the local default', () => {
    expect(loadMediaConfig({ S3_ENDPOINT: '', S3_ACCESS_KEY_ID: '' })).toMatchObject({ S3_ENDPOINT: '', S3_ACCESS_KEY_ID: '' });
  });

  it('names every bad variable at once', () => {
    expect(() => loadMediaConfig({ MEDIA_PORT: '0', S3_FORCE_PATH_STYLE: 'sometimes' })).toThrow(/MEDIA_PORT must be a port number[\s\S]*S3_FORCE_PATH_STYLE must be true or false/);
  });
});
