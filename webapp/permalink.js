(query) => {
  const url = location.pathname + (query ? '?' + query : '');
  const theme = new URLSearchParams(location.search).get('__theme');
  history.replaceState(null, '', theme ? url + (query ? '&' : '?') + '__theme=' + theme : url);
}
