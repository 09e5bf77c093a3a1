'use client';
/** Members settings: add a person by email with a role, change roles, remove members. */
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { ROLES, type Role } from '../../../server/access/permissions.ts';
import { TEMPORARY_PASSWORD_LIFETIME_SECONDS } from '../../auth/constants.ts';
import type { Member } from '../server/projectMembers.ts';
import { SecretOnce } from './SecretOnce.tsx';
import { settingsRequest } from './settingsRequest.ts';

export function MembersManager({
  projectId,
  members,
  currentUserId,
}: {
  projectId: string;
  members: Member[];
  currentUserId: string;
}) {
  const router = useRouter();
  const base = `/api/v1/projects/${encodeURIComponent(projectId)}/members`;
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ email: string; password: string } | null>(null);
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

  function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    void run(async () => {
      const result = await settingsRequest<{ member: Member; temporaryPassword?: string }>(
        'POST',
        base,
        {
          email: data.get('email'),
          role: data.get('role'),
        },
      );
      setCreated(
        result.temporaryPassword
          ? { email: result.member.email, password: result.temporaryPassword }
          : null,
      );
      form.reset();
    });
  }

  return (
    <section className="settings-section" aria-label="Members">
      <form className="settings-form" onSubmit={add} aria-label="Add member">
        <label>
          Email
          <input name="email" type="email" required />
        </label>
        <label>
          Role
          <select name="role" defaultValue="viewer">
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={pending}>
          Add member
        </button>
      </form>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {created ? (
        <SecretOnce
          label={`Temporary password for ${created.email}`}
          value={created.password}
          note={`Give it to them privately. It works for ${TEMPORARY_PASSWORD_LIFETIME_SECONDS / 86_400} days, and only to sign in and choose their own password.`}
        />
      ) : null}
      <table className="settings-table">
        <thead>
          <tr>
            <th>Email</th>
            <th>Role</th>
            <th>Added</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {members.map((member) => (
            <tr key={member.userId} data-email={member.email}>
              <td>
                {member.email}
                {member.userId === currentUserId ? <span className="muted"> (you)</span> : null}
              </td>
              <td>
                <select
                  aria-label={`Role of ${member.email}`}
                  value={member.role}
                  disabled={pending}
                  onChange={(event) =>
                    void run(async () => {
                      await settingsRequest(
                        'PATCH',
                        `${base}/${encodeURIComponent(member.userId)}`,
                        {
                          role: event.target.value as Role,
                        },
                      );
                    })
                  }
                >
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {role}
                    </option>
                  ))}
                </select>
              </td>
              <td>{member.createdAt.slice(0, 10)}</td>
              <td>
                <button
                  type="button"
                  className="danger"
                  disabled={pending}
                  onClick={() =>
                    void run(async () => {
                      await settingsRequest(
                        'DELETE',
                        `${base}/${encodeURIComponent(member.userId)}`,
                      );
                    })
                  }
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
