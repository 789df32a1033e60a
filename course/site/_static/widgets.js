/* The widget manager (@jupyter-widgets/html-manager) typesets widget labels with
   MathJax 2's API, MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]); the site loads
   MathJax 3, which has no Hub: without this, drawing a widget stops with
   "Cannot read properties of undefined (reading 'Queue')".  Loaded after MathJax. */
(function () {
  var mj = window.MathJax;
  if (!mj || mj.Hub) {
    return;
  }
  mj.Hub = {
    Queue: function (job) {
      var element = Array.isArray(job) ? job[2] : undefined;
      var ready = (mj.startup && mj.startup.promise) || Promise.resolve();
      ready.then(function () {
        if (mj.typesetPromise) {
          return mj.typesetPromise(element ? [element] : undefined);
        }
      }).catch(function (err) {
        console.warn("MathJax could not typeset a widget label", err);
      });
    }
  };
})();
