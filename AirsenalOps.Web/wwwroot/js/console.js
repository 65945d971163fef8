// Small browser helpers the console's components call through JS interop.
window.airsenalOps = {
  // Saves a stream sent by the server (DotNetStreamReference) as a file download.
  downloadStream: async (fileName, streamRef) => {
    const buffer = await streamRef.arrayBuffer();
    const url = URL.createObjectURL(new Blob([buffer], { type: "text/plain;charset=utf-8" }));
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.download = fileName;
    document.body.appendChild(anchor);
    anchor.click();
    anchor.remove();
    URL.revokeObjectURL(url);
  },

  // The browser's IANA time zone ("Europe/London"), so the server can show times as the user reads them.
  timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone || null,

  scrollToBottom: (element) => {
    if (element) {
      element.scrollTop = element.scrollHeight;
    }
  },

  scrollToOffset: (element, top) => {
    if (element) {
      element.scrollTop = top;
    }
  },

  // True when the user is (nearly) at the bottom, so following the tail does not fight a scroll up.
  isAtBottom: (element) => !element || element.scrollHeight - element.scrollTop - element.clientHeight < 40,
};
