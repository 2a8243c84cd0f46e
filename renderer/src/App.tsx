export function App() {
  return <main className="app">SDPM Review</main>;
}
