// Starts the page named by the server-rendered shell.
const PAGES = {
  overview: overviewPage,
  vms: () => inventoryPage('vms'),
  hosts: () => inventoryPage('hosts'),
  clusters: () => inventoryPage('clusters'),
  create: () => { const stop = watchEstate(); createPage(); return stop; },
  jobs: jobsPage,
  job: jobPage,
  vm: () => { const stop = watchEstate(); const stopPage = vmPage(); return () => { stop(); stopPage(); }; },
};

dropLanguageParameter();
updateLanguageLinks();
Auth.setup();
const start = PAGES[body.dataset.page];
if (start) start();
