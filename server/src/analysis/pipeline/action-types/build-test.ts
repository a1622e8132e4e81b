/** Build and Test actions. */
import { COMPUTE_LOGS, GUIDE, none, one, opt, range, req, type ActionType } from './types';

const codeBuild = (category: 'Build' | 'Test'): ActionType => ({
  category,
  owners: ['AWS'],
  provider: 'CodeBuild',
  versions: ['1'],
  description:
    category === 'Build'
      ? 'Runs a CodeBuild project on the input artifacts and can publish up to five output artifacts.'
      : 'Runs a CodeBuild project as a test step on the input artifacts.',
  configuration: [
    req('ProjectName', 'The CodeBuild project to run.'),
    opt(
      'PrimarySource',
      'Which input artifact is the primary source (where the buildspec is read); needed when there are several.',
    ),
    opt('BatchEnabled', 'Runs a batch build (several builds of one project) instead of one build.'),
    opt('CombineArtifacts', 'Merges the artifacts of a batch build into one output artifact.'),
    opt(
      'EnvironmentVariables',
      "A JSON list of environment variables that override the project's; use type `SECRETS_MANAGER` or `PARAMETER_STORE` for secrets.",
    ),
  ],
  inputs: range(1, 5),
  outputs: range(0, 5),
  permissions: [
    { actions: ['codebuild:BatchGetBuilds', 'codebuild:StartBuild'] },
    {
      actions: ['codebuild:BatchGetBuildBatches', 'codebuild:StartBuildBatch'],
      whenConfig: 'BatchEnabled',
    },
  ],
  passedRoles: [],
  reference: GUIDE + 'action-reference-CodeBuild.html',
});

/** The `ecr` actions that push an image to a private repository (with the auth token). */
const PRIVATE_PUSH = [
  'ecr:GetAuthorizationToken',
  'ecr:DescribeRepositories',
  'ecr:BatchCheckLayerAvailability',
  'ecr:GetDownloadUrlForLayer',
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
  'ecr:PutImage',
];

/** The same for ECR Public, whose auth token also needs an STS bearer token. */
const PUBLIC_PUSH = [
  'ecr-public:GetAuthorizationToken',
  'sts:GetServiceBearerToken',
  'ecr-public:DescribeRepositories',
  'ecr-public:BatchCheckLayerAvailability',
  'ecr-public:InitiateLayerUpload',
  'ecr-public:UploadLayerPart',
  'ecr-public:CompleteLayerUpload',
  'ecr-public:PutImage',
];

export const BUILD_TEST_TYPES: readonly ActionType[] = [
  codeBuild('Build'),
  {
    category: 'Build',
    owners: ['AWS'],
    provider: 'ECRBuildAndPublish',
    versions: ['1'],
    description:
      'Builds a Docker image from a Dockerfile in the input artifact on CodePipeline-managed compute and pushes it to an Amazon ECR repository (V2 pipelines only).',
    configuration: [
      req('ECRRepositoryName', 'The ECR repository the image is pushed to.'),
      opt('DockerFilePath', 'The folder of the Dockerfile; the root of the source when absent.'),
      opt('ImageTags', 'Comma-separated tags for the image; `latest` when absent.'),
      opt('RegistryType', '`private` (the default) or `public`: which kind of ECR repository.'),
    ],
    inputs: one,
    outputs: none,
    // From the service-role page's ECRBuildAndPublish section, as CDK grants it. Private is the
    // default registry type, and whenConfig cannot say "absent or private": the private set stays
    // unconditional, so a public-only action is asked for it too (rare; noted as a known gap).
    permissions: [
      { actions: PRIVATE_PUSH },
      { actions: PUBLIC_PUSH, whenConfig: 'RegistryType', whenValue: ['public'] },
      { actions: COMPUTE_LOGS },
    ],
    passedRoles: [],
    reference: GUIDE + 'action-reference-ECRBuildAndPublish.html',
    v2Only: true,
  },
  codeBuild('Test'),
  {
    category: 'Test',
    owners: ['AWS'],
    provider: 'DeviceFarm',
    versions: ['1'],
    description:
      'Runs an app from the input artifact on a pool of real devices in AWS Device Farm, with the chosen test framework.',
    configuration: [
      req('AppType', 'The platform of the app: `iOS`, `Android` or `Web`.'),
      req('ProjectId', 'The Device Farm project ID.'),
      req('App', 'The app file (an .apk or .ipa) inside the input artifact.'),
      // The page marks AppiumVersion required yet says the value is ignored, and its own example
      // leaves it out: optional here.
      opt('AppiumVersion', 'The Appium version; Device Farm ignores it and uses its default.'),
      req('DevicePoolArn', 'The ARN of the device pool to test on.'),
      req(
        'TestType',
        'The test framework, such as `APPIUM_PYTHON`, `INSTRUMENTATION` or `BUILTIN_FUZZ`.',
      ),
      opt('Test', 'The test package inside the input artifact; not needed for the built-in tests.'),
      opt('RadioBluetoothEnabled', 'Whether Bluetooth is on during the run.'),
      opt('RadioWifiEnabled', 'Whether Wi-Fi is on during the run.'),
      opt('RadioNfcEnabled', 'Whether NFC is on during the run.'),
      opt('RadioGpsEnabled', 'Whether GPS is on during the run.'),
      opt('RecordAppPerformanceData', 'Whether CPU, memory and frame data are recorded.'),
      opt('RecordVideo', 'Whether the run is filmed.'),
      opt('FuzzEventCount', 'How many UI events the built-in fuzz test sends.'),
      opt('FuzzEventThrottle', 'The pause, in milliseconds, between fuzz events.'),
      opt('FuzzRandomizerSeed', 'The seed that makes a fuzz run repeatable.'),
      opt('CustomHostMachineArtifacts', 'Where on the host machine custom artifacts are saved.'),
      opt('CustomDeviceArtifacts', 'Where on the device custom artifacts are saved.'),
      opt('UnmeteredDevicesOnly', 'Whether only unmetered devices are used.'),
      opt('JobTimeoutMinutes', 'The time limit of a test job on one device.'),
      opt('Latitude', 'The latitude the devices report.'),
      opt('Longitude', 'The longitude the devices report.'),
    ],
    inputs: one,
    outputs: none,
    permissions: [
      {
        actions: [
          'devicefarm:ListProjects',
          'devicefarm:ListDevicePools',
          'devicefarm:GetRun',
          'devicefarm:GetUpload',
          'devicefarm:CreateUpload',
          'devicefarm:ScheduleRun',
        ],
      },
    ],
    passedRoles: [],
    reference: GUIDE + 'action-reference-DeviceFarm.html',
  },
];
