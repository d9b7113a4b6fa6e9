/** Placeholder: address-page. */
export default function Page() {
  return <p className="state">address-page — not built yet.</p>;
}
