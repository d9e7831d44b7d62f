import * as path from 'path';
import * as ts from 'typescript';

/**
 * A strictness check that `kubernetes-models`' validators do not make: they accept unknown fields, so a typo such as
 * `spec.replica` passes them, where the API server's strict field validation would refuse the object. This walks an
 * object against the TypeScript interfaces the same package ships (generated from the same OpenAPI schemas) and
 * reports every field the schema does not know, with its path.
 */

/** apiVersion/kind -> the module and interface of its model. */
const MODELS: Record<string, [string, string]> = {
  'apps/v1/Deployment': ['kubernetes-models/apps/v1/Deployment', 'IDeployment'],
  'v1/Service': ['kubernetes-models/v1/Service', 'IService'],
  'v1/ServiceAccount': ['kubernetes-models/v1/ServiceAccount', 'IServiceAccount'],
  'v1/Namespace': ['kubernetes-models/v1/Namespace', 'INamespace'],
  'policy/v1/PodDisruptionBudget': ['kubernetes-models/policy/v1/PodDisruptionBudget', 'IPodDisruptionBudget'],
  'autoscaling/v2/HorizontalPodAutoscaler': ['kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler', 'IHorizontalPodAutoscaler'],
  'scheduling.k8s.io/v1/PriorityClass': ['kubernetes-models/scheduling.k8s.io/v1/PriorityClass', 'IPriorityClass'],
  'v1/ResourceQuota': ['kubernetes-models/v1/ResourceQuota', 'IResourceQuota'],
  'v1/LimitRange': ['kubernetes-models/v1/LimitRange', 'ILimitRange'],
  'networking.k8s.io/v1/NetworkPolicy': ['kubernetes-models/networking.k8s.io/v1/NetworkPolicy', 'INetworkPolicy'],
  'rbac.authorization.k8s.io/v1/Role': ['kubernetes-models/rbac.authorization.k8s.io/v1/Role', 'IRole'],
  'rbac.authorization.k8s.io/v1/RoleBinding': ['kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding', 'IRoleBinding'],
};

export class StrictFields {
  /** Loads the model interfaces once (a TypeScript program over the package's declaration files, about a second). */
  public static load(root = path.resolve(__dirname, '../../../..')): StrictFields {
    const entries = Object.entries(MODELS);
    const source = entries.map(([key, [module, iface]], i) => `import type { ${iface} as M${i} } from '${module}';\nexport type T${i} = M${i}; // ${key}`).join('\n');
    const file = path.join(root, '__strict_fields__.ts');
    const options: ts.CompilerOptions = {
      moduleResolution: ts.ModuleResolutionKind.Node10,
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      noEmit: true,
      skipLibCheck: true,
      types: [],
      strict: true,
    };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, language) => (path.resolve(name) === file ? ts.createSourceFile(
      name,
      source,
      language,
    ) : getSourceFile(name, language));
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (name) => path.resolve(name) === file || fileExists(name);
    host.getCurrentDirectory = () => root;
    const program = ts.createProgram([file], options, host);
    const checker = program.getTypeChecker();
    const sf = program.getSourceFile(file)!;
    const types = new Map<string, ts.Type>();
    for (const statement of sf.statements) {
      if (ts.isTypeAliasDeclaration(statement)) {
        const i = Number(statement.name.text.slice(1));
        const type = checker.getTypeAtLocation(statement.name);
        if (type.getProperties().length === 0) throw new Error(`could not load the model of ${entries[i][0]} (${entries[i][1][0]})`);
        types.set(entries[i][0], type);
      }
    }
    return new StrictFields(checker, types);
  }

  private constructor(private readonly checker: ts.TypeChecker, private readonly types: Map<string, ts.Type>) {}

  public knows(apiVersion: string, kind: string): boolean {
    return this.types.has(`${apiVersion}/${kind}`);
  }

  /** Paths of every field of `object` that its kind's schema does not define. */
  public unknownFields(object: { apiVersion: string; kind: string }): string[] {
    const type = this.types.get(`${object.apiVersion}/${object.kind}`);
    if (!type) return [`<no model for ${object.apiVersion}/${object.kind}>`];
    const out: string[] = [];
    this.walk(object, type, '', out);
    return out;
  }

  private walk(value: unknown, type: ts.Type, at: string, out: string[]): void {
    if (value === null || typeof value !== 'object') return;
    const t = this.objectPart(this.checker.getNonNullableType(type));
    if (!t) return;
    if (Array.isArray(value)) {
      const element = this.checker.isArrayType(t) ? this.checker.getTypeArguments(t as ts.TypeReference)[0] : undefined;
      if (!element) {
        out.push(`${at} (not a list in the schema)`);
        return;
      }
      value.forEach((v, i) => this.walk(v, element, `${at}[${i}]`, out));
      return;
    }
    const index = this.checker.getIndexInfoOfType(t, ts.IndexKind.String);
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const prop = t.getProperty(key);
      if (prop) {
        const decl = prop.valueDeclaration ?? prop.declarations?.[0];
        this.walk(v, decl ? this.checker.getTypeOfSymbolAtLocation(prop, decl) : this.checker.getAnyType(), `${at}.${key}`, out);
      } else if (index) {
        this.walk(v, index.type, `${at}.${key}`, out);
      } else {
        out.push(`${at}.${key}`);
      }
    }
  }

  /** The object (or array) member of a union such as `string | number | IFoo`. */
  private objectPart(type: ts.Type): ts.Type | undefined {
    if (type.isUnion()) {
      const objects = type.types.filter((m) => (m.flags & ts.TypeFlags.Object) !== 0);
      return objects.length === 1 ? objects[0] : objects.length > 1 ? objects.find((m) => this.checker.isArrayType(m)) ?? objects[0] : undefined;
    }
    return (type.flags & ts.TypeFlags.Object) !== 0 ? type : undefined;
  }
}
