/** Placeholder: transaction-page. */
export default function Page() {
  return <p className="state">transaction-page — not built yet.</p>;
}
