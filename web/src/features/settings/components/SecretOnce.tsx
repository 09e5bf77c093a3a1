/** A secret shown once, right after it was made: it cannot be read back later. */
export function SecretOnce({
  label,
  value,
  note,
}: {
  label: string;
  value: string;
  note?: string;
}) {
  return (
    <div className="secret-once" role="status">
      <strong>{label}</strong> — copy it now; it will not be shown again.
      {note ? <div className="muted">{note}</div> : null}
      <code data-testid="secret-value">{value}</code>
    </div>
  );
}
