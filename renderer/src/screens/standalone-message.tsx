/**
 * Shown when the page cannot reach the backend at all (no token): nothing else can load, not even the
 * message catalogue's language choice, so this is plain English for whoever started the kiosk.
 */
export function StandaloneMessage(props: { readonly message: string }) {
  return (
    <main className="main" data-screen="no-connection">
      <section className="screen" aria-labelledby="standalone-title" data-testid="no-connection">
        <h1 id="standalone-title" className="screen__title">
          This page cannot reach the kiosk
        </h1>
        <p>{props.message}</p>
      </section>
    </main>
  );
}
