'use client';
/** API token settings: create a token with chosen permissions and an expiry, list, revoke. */
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { Permission } from '../../../server/access/permissions.ts';
import type { ApiTokenView } from '../server/projectCredentials.ts';
import { SecretOnce } from './SecretOnce.tsx';
import { settingsRequest } from './settingsRequest.ts';

export function ApiTokensManager({
  projectId,
  tokens,
  grantable,
}: {
  projectId: string;
  tokens: ApiTokenView[];
  /** The permissions the signed-in admin may put on a token (their own). */
  grantable: Permission[];
}) {
  const router = useRouter();
  const base = `/api/v1/projects/${encodeURIComponent(projectId)}/api-tokens`;
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [pending, setPending] = useState(false);

  async function run(action: () => Promise<void>) {
    setPending(true);
    setError(null);
    try {
      await action();
      router.refresh();
    } catch (failure) {
      setError((failure as Error).message);
    }
    setPending(false);
  }

  function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    void run(async () => {
      const result = await settingsRequest<{ token: string; apiToken: ApiTokenView }>(
        'POST',
        base,
        {
          name: data.get('name'),
          scopes: data.getAll('scopes'),
          expiresInDays: Number(data.get('expiresInDays')),
        },
      );
      setCreated({ name: result.apiToken.name, token: result.token });
      form.reset();
    });
  }

  return (
    <section className="settings-section" aria-label="API tokens">
      <form className="settings-form" onSubmit={create} aria-label="Create API token">
        <label>
          Name
          <input name="name" required maxLength={100} placeholder="CI export" />
        </label>
        <label>
          Expires in (days)
          <input name="expiresInDays" type="number" min={1} max={365} defaultValue={90} required />
        </label>
        <fieldset>
          <legend>Permissions</legend>
          {grantable.map((permission) => (
            <label key={permission}>
              <input
                type="checkbox"
                name="scopes"
                value={permission}
                defaultChecked={permission === 'traces:read'}
              />{' '}
              {permission}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={pending}>
          Create token
        </button>
      </form>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {created ? (
        <SecretOnce
          label={`Token ${created.name}`}
          value={created.token}
          note="Send it as: Authorization: Bearer <token>."
        />
      ) : null}
      <table className="settings-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Permissions</th>
            <th>Expires</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tokens.map((token) => (
            <tr key={token.tokenId} data-token-id={token.tokenId}>
              <td>{token.name}</td>
              <td>{token.scopes.join(', ')}</td>
              <td>{token.expiresAt.slice(0, 10)}</td>
              <td>{token.status}</td>
              <td>
                {token.status === 'active' ? (
                  <button
                    type="button"
                    className="danger"
                    disabled={pending}
                    onClick={() =>
                      void run(async () => {
                        await settingsRequest(
                          'DELETE',
                          `${base}/${encodeURIComponent(token.tokenId)}`,
                        );
                      })
                    }
                  >
                    Revoke
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
