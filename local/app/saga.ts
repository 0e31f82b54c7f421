/**
 * The booking saga's ASL file and its mock configuration, as the app's tools and tests read
 * them (the platform reads them like any template's: DefinitionUri, SFN_MOCK_CONFIG).
 */
import { join } from 'node:path';
import { type Definition, readDefinition } from '../template/asl.ts';
import { PROJECT_ROOT } from '../template/template.ts';

export const ASL_PATH = join(PROJECT_ROOT, 'statemachine', 'booking-saga.asl.json');

export const readSagaDefinition = (): Definition => readDefinition(ASL_PATH);

/** Its Step Functions Local mock configuration: a test case per path (SFN_MOCK_CONFIG). */
export const MOCK_CONFIG_PATH = join(PROJECT_ROOT, 'statemachine', 'test', 'MockConfigFile.json');
