/** Placeholder: cases-page. */
export default function Page() {
  return <p className="state">cases-page — not built yet.</p>;
}
