'use client';
/** Ingest key settings: create, rotate and revoke keys; a new secret is shown once. */
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { IngestKeyView } from '../server/projectCredentials.ts';
import { SecretOnce } from './SecretOnce.tsx';
import { settingsRequest } from './settingsRequest.ts';

interface NewKey {
  key: IngestKeyView;
  secret: string;
}

export function IngestKeysManager({
  projectId,
  keys,
}: {
  projectId: string;
  keys: IngestKeyView[];
}) {
  const router = useRouter();
  const base = `/api/v1/projects/${encodeURIComponent(projectId)}/ingest-keys`;
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<NewKey | null>(null);
  const [pending, setPending] = useState(false);

  async function run(action: () => Promise<NewKey | void>) {
    setPending(true);
    setError(null);
    try {
      const result = await action();
      setCreated(result ?? null);
      router.refresh();
    } catch (failure) {
      setError((failure as Error).message);
    }
    setPending(false);
  }

  return (
    <section className="settings-section" aria-label="Ingest keys">
      <div>
        <button
          type="button"
          disabled={pending}
          onClick={() => void run(() => settingsRequest<NewKey>('POST', base))}
        >
          Create ingest key
        </button>
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {created ? (
        <SecretOnce
          label={`Secret of ${created.key.keyId}`}
          value={created.secret}
          note={`Set SIGHTLINE_INGEST_KEY_ID=${created.key.keyId} and SIGHTLINE_INGEST_KEY to this secret in the producing app.`}
        />
      ) : null}
      <table className="settings-table">
        <thead>
          <tr>
            <th>Key id</th>
            <th>Status</th>
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key.keyId} data-key-id={key.keyId}>
              <td className="mono">{key.keyId}</td>
              <td>{key.status}</td>
              <td>{key.createdAt.slice(0, 19).replace('T', ' ')}</td>
              <td>
                {key.status === 'active' ? (
                  <>
                    <button
                      type="button"
                      disabled={pending}
                      onClick={() =>
                        void run(() =>
                          settingsRequest<NewKey>(
                            'POST',
                            `${base}/${encodeURIComponent(key.keyId)}/rotate`,
                          ),
                        )
                      }
                    >
                      Rotate
                    </button>{' '}
                    <button
                      type="button"
                      className="danger"
                      disabled={pending}
                      onClick={() =>
                        void run(async () => {
                          await settingsRequest(
                            'DELETE',
                            `${base}/${encodeURIComponent(key.keyId)}`,
                          );
                        })
                      }
                    >
                      Revoke
                    </button>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
