/**
 * Every test process: no SDK may probe an instance-metadata address, no CLI
 * may phone home, and no AWS credentials of the developer leak into a test.
 */
process.env.AWS_EC2_METADATA_DISABLED = "true";
process.env.CHECKPOINT_DISABLE = "1";
process.env.AWS_ACCESS_KEY_ID = "test";
process.env.AWS_SECRET_ACCESS_KEY = "test";
process.env.AWS_REGION = process.env.AWS_REGION ?? "ap-south-1";
delete process.env.AWS_PROFILE;
// The SDK warns on Node 20 that it will soon need 22; CI runs on 20 on purpose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
