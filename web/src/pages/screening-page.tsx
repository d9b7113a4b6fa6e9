/** Placeholder: screening-page. */
export default function Page() {
  return <p className="state">screening-page — not built yet.</p>;
}
