export { techdocsModuleLocalDocsFolders } from './module';
