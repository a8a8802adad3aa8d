import { SERVICE_NAME_PATTERN } from '@internal/plugin-scaffolder-backend-module-golden-paths';
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import yaml from 'yaml';
import {
  GoldenPathTemplate,
  listFiles,
  listTemplateDirs,
  loadTemplate,
  templateProblems,
  writeDirectoryContents,
} from './templates';

const templatesDir = resolve(__dirname, '../../../templates');

describe('golden-path templates (static checks)', () => {
  let templates: GoldenPathTemplate[];

  beforeAll(async () => {
    templates = await Promise.all(
      (await listTemplateDirs(templatesDir)).map(loadTemplate),
    );
  });

  it('finds the golden paths', () => {
    expect(templates.map(t => t.name)).toEqual(
      expect.arrayContaining([
        'go-service',
        'static-site',
        'typescript-service',
      ]),
    );
  });

  it('every template is a valid entity, a v1beta3 template and follows the portal rules', async () => {
    for (const template of templates) {
      expect({
        template: template.name,
        problems: await templateProblems(template),
      }).toEqual({ template: template.name, problems: [] });
    }
  });

  it("every golden path's form accepts the names portal:name:ensure-available accepts, no others", () => {
    for (const template of templates) {
      if (
        !template.entity.spec.steps.some(
          s => s.action === 'portal:name:ensure-available',
        )
      )
        continue;
      const pattern = (template.entity.spec.parameters as any[])[0].properties
        .name.pattern;
      expect({ template: template.name, pattern }).toEqual({
        template: template.name,
        pattern: SERVICE_NAME_PATTERN.source,
      });
    }
  });

  it('files with GitHub Actions expressions or GitLab CI variables are copied without templating', async () => {
    for (const template of templates) {
      const skeleton = join(template.dir, 'skeleton');
      const exists = await fs.stat(skeleton).then(
        () => true,
        () => false,
      );
      if (!exists) continue;
      const fetch = template.entity.spec.steps.find(
        s => s.action === 'fetch:template',
      );
      const excluded: string[] =
        ((fetch?.input as any)?.copyWithoutTemplating as string[]) ?? [];
      for (const file of await listFiles(skeleton)) {
        const text = await fs.readFile(join(skeleton, file), 'utf8');
        if (
          !/\$\{\{\s*(github|secrets|env|steps|needs|matrix|inputs|vars)\./.test(
            text,
          ) &&
          !/\$\{?CI_[A-Z_]+/.test(text)
        )
          continue;
        const dir = file.split('/').slice(0, -1).join('/');
        expect({
          template: template.name,
          file,
          excluded: excluded.includes(`${dir}/*`) || excluded.includes(file),
        }).toEqual({ template: template.name, file, excluded: true });
      }
    }
  });

  it('a service skeleton carries the annotations the portal features read', async () => {
    for (const template of templates) {
      const file = join(template.dir, 'skeleton', 'catalog-info.yaml');
      const text = await fs.readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      for (const annotation of [
        'backstage.io/techdocs-ref: dir:.',
        'backstage.io/kubernetes-id:',
        'backstage.io/kubernetes-namespace:',
        // One of the two, by publishing target (rendering is tested in scaffolder.test.ts).
        'github.com/project-slug:',
        'gitlab.com/project-slug:',
        'argocd/app-name:',
      ]) {
        expect({
          template: template.name,
          has: annotation,
          ok: text.includes(annotation),
        }).toEqual({ template: template.name, has: annotation, ok: true });
      }
    }
  });

  it('a skeleton with CI for GitHub and GitLab keeps only the one of the publishing target', async () => {
    for (const template of templates) {
      const skeleton = join(template.dir, 'skeleton');
      const files = await listFiles(skeleton).catch(() => [] as string[]);
      if (!files.includes('.github/workflows/ci.yaml')) continue;
      expect({
        template: template.name,
        gitlab: files.includes('.gitlab-ci.yml'),
      }).toEqual({ template: template.name, gitlab: true });
      const deletions = template.entity.spec.steps
        .filter(step => step.action === 'fs:delete')
        .map(step => ({ if: step.if, files: (step.input as any)?.files }));
      expect(deletions).toEqual([
        {
          if: "${{ steps['check-name'].output.publishingTarget === 'gitlab' }}",
          files: ['.github'],
        },
        {
          if: "${{ steps['check-name'].output.publishingTarget !== 'gitlab' }}",
          files: ['.gitlab-ci.yml'],
        },
      ]);
    }
  });

  it('GitHub workflows name the image in lowercase, as registries require', async () => {
    for (const template of templates) {
      const file = join(template.dir, 'skeleton', '.github/workflows/ci.yaml');
      const text = await fs.readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      const workflow = yaml.parse(text);
      // An organisation such as "Fernhill" would otherwise push to ghcr.io/Fernhill/..., refused.
      expect({ template: template.name, env: workflow.env?.IMAGE }).toEqual({
        template: template.name,
        env: undefined,
      });
      const [first] = workflow.jobs.image.steps;
      expect({ template: template.name, run: first.run }).toEqual({
        template: template.name,
        run: 'echo "IMAGE=ghcr.io/${GITHUB_REPOSITORY,,}" >> "$GITHUB_ENV"',
      });
    }
  });

  it('TechDocs build with Debian mkdocs-material and render offline', async () => {
    for (const template of templates) {
      const file = join(template.dir, 'skeleton', 'mkdocs.yml');
      const text = await fs.readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      // Google Fonts would keep the TechDocs reader waiting for a stylesheet it cannot load.
      expect({ template: template.name, text }).toEqual({
        template: template.name,
        text: expect.stringMatching(
          /theme:\n\s+name: material\n(.*\n)*\s+font: false/,
        ),
      });
      expect(text).not.toMatch(/techdocs-core/);
      // TechDocs sets `plugins: []` when none is named: no search index, nothing for search.
      expect({ template: template.name, text }).toEqual({
        template: template.name,
        text: expect.stringMatching(/\nplugins:\n\s+- search\n/),
      });
      const index = await fs.readFile(
        join(template.dir, 'skeleton', 'docs', 'index.md'),
        'utf8',
      );
      expect(index.length).toBeGreaterThan(0);
    }
  });

  describe('catches broken templates', () => {
    const base = (): GoldenPathTemplate =>
      JSON.parse(
        JSON.stringify(templates.find(t => t.name === 'typescript-service')),
      );

    it('without a version annotation', async () => {
      const t = base();
      delete t.entity.metadata.annotations!['fernhill.io/template-version'];
      expect(await templateProblems(t)).toEqual([
        expect.stringContaining(
          "fernhill.io/template-version'] must be a semver version",
        ),
      ]);
    });

    it.each(['1', 'v1.0.0', '1.0', 'latest', ''])(
      'with version %p',
      async version => {
        const t = base();
        t.entity.metadata.annotations!['fernhill.io/template-version'] =
          version;
        expect(await templateProblems(t)).toHaveLength(1);
      },
    );

    it('owned by someone else, without tags, with a duplicate step id', async () => {
      const t = base();
      t.entity.spec.owner = 'group:default/payments';
      t.entity.metadata.tags = [];
      t.entity.spec.steps[1].id = t.entity.spec.steps[0].id;
      expect(await templateProblems(t)).toEqual([
        expect.stringContaining('metadata.tags is empty'),
        expect.stringContaining('spec.owner must be group:default/platform'),
        expect.stringContaining('is used twice'),
      ]);
    });

    it('that is not a template or not an entity', async () => {
      const t = base();
      (t.entity as any).apiVersion = 'backstage.io/v1alpha1';
      expect((await templateProblems(t)).join()).toMatch(/Template/);
      const u = base();
      (u.entity.metadata as any).name = 'Not A Name!';
      expect((await templateProblems(u)).join()).toMatch(
        /not a valid catalog entity/,
      );
      const v = base();
      delete (v.entity.spec as any).steps;
      expect(await templateProblems(v)).not.toEqual([]);
    });

    it('in a folder of another name', async () => {
      const t = { ...base(), name: 'renamed' };
      expect(await templateProblems(t)).toEqual([
        expect.stringContaining('differs from its folder'),
      ]);
    });
  });

  it('writes dry-run output inside the target folder only', async () => {
    const dir = await fs.mkdtemp(
      join(require('node:os').tmpdir(), 'gp-write-'),
    );
    try {
      await writeDirectoryContents(dir, [
        {
          path: 'a/b.txt',
          base64Content: Buffer.from('hi').toString('base64'),
        },
      ]);
      expect(await fs.readFile(join(dir, 'a/b.txt'), 'utf8')).toBe('hi');
      await expect(
        writeDirectoryContents(dir, [
          { path: '../escape.txt', base64Content: '' },
        ]),
      ).rejects.toThrow(/outside/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
