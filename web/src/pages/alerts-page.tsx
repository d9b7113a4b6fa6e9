/** Placeholder: alerts-page. */
export default function Page() {
  return <p className="state">alerts-page — not built yet.</p>;
}
