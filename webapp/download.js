(markdown) => {
  if (!markdown) return;
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([markdown], {type: 'text/markdown;charset=utf-8'}));
  link.download = 'legco-rag-conversation.md';
  document.body.appendChild(link);
  link.click();
  link.remove();
}
