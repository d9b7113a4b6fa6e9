/** Placeholder: home-page. */
export default function Page() {
  return <p className="state">home-page — not built yet.</p>;
}
