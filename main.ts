import { buildApp } from "./stacks/app";
import { loadConfig } from "./stacks/config";

/** Entry point of `cdktf synth`: one stack for the stage in the environment. */
buildApp(loadConfig(process.env)).app.synth();
