import { LocalGitTreeEntry } from '@internal/plugin-local-git-node';

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[
        c
      ]!),
  );
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** A plain HTML page listing a directory of a repository, with links to files and folders. */
export function renderDirectoryListing(options: {
  baseUrl: string;
  repo: string;
  ref: string;
  commit: string;
  path: string;
  entries: LocalGitTreeEntry[];
  cloneUrl: string;
}): string {
  const { baseUrl, repo, ref, commit, path, entries, cloneUrl } = options;
  const title = `${repo}${path ? `/${path}` : ''} at ${ref}`;
  const link = (kind: 'tree' | 'blob', p: string) =>
    `${baseUrl}/${repo}/${kind}/${encodeURIComponent(ref)}/${encodePath(p)}${
      kind === 'tree' && p ? '/' : ''
    }`;
  const rows = entries.map(entry => {
    const full = path ? `${path}/${entry.name}` : entry.name;
    const href = link(entry.type, full);
    const label = entry.type === 'tree' ? `${entry.name}/` : entry.name;
    const size = entry.type === 'blob' ? `${entry.size} bytes` : '';
    return `<tr><td><a href="${escapeHtml(href)}">${escapeHtml(
      label,
    )}</a></td><td>${size}</td></tr>`;
  });
  if (path) {
    const parent = path.split('/').slice(0, -1).join('/');
    rows.unshift(
      `<tr><td><a href="${escapeHtml(
        link('tree', parent),
      )}">../</a></td><td></td></tr>`,
    );
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(
    title,
  )}</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>Commit <code>${escapeHtml(
    commit,
  )}</code>. Clone with <code>git clone ${escapeHtml(cloneUrl)}</code></p>
<table>
<thead><tr><th>Name</th><th>Size</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</body></html>
`;
}
