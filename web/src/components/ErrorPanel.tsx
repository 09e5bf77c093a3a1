/** A page-level problem (store unreachable, bad configuration, bad URL) shown in place of content. */
import type { PageProblem } from '../server/errors.ts';

export function ErrorPanel({ problem }: { problem: PageProblem }) {
  return (
    <section className="panel panel-error" role="alert">
      <h2>{problem.title}</h2>
      <p className="mono">{problem.message}</p>
      {problem.hint ? <p>{problem.hint}</p> : null}
    </section>
  );
}
