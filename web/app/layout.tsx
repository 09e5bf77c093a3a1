/**
 * Root layout of the Sightline web app.
 *
 * Access control: there is no sign-in yet; the local stack serves this app on loopback only.
 * When sign-in and roles arrive, they are enforced on the server in every page and route
 * handler (through the one permissions module), never in this layout or in client code,
 * because layouts do not re-render on every navigation.
 */
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Sightline',
  description: 'LLM observability',
  robots: { index: false, follow: false },
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
