// What jsdom does not have and uPlot asks for when it is imported: a
// media query list (for the device pixel ratio). Charts themselves are not
// drawn under jsdom (no canvas); the end-to-end tests draw them in WebKit.
if (typeof window !== "undefined" && typeof window.matchMedia !== "function") {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}
