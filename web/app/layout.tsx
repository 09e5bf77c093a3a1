/**
 * Root layout of the Sightline web app.
 *
 * Access control is enforced on the server in every page, server action and route handler
 * (requireAccess / apiRoute over the one permissions module), never in layouts alone or in
 * client code: layouts do not re-render on every navigation.
 */
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';
import '../src/features/settings/settings.css';

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
