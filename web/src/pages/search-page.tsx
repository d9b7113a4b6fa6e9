/** Placeholder: search-page. */
export default function Page() {
  return <p className="state">search-page — not built yet.</p>;
}
