/**
 * What `scripts/synth.ts` does, minus flag parsing and printing, with the
 * output folder given on the command line so that the bench never writes
 * into the project's own cdktf.out: load the config from the environment,
 * build the app, synthesize in this process.
 * Usage: synth-in-process.ts <outdir>
 */
import { buildApp } from "../../stacks/app";
import { loadConfig } from "../../stacks/config";

const outdir = process.argv[2];
if (!outdir) throw new Error("usage: synth-in-process.ts <outdir>");
buildApp(loadConfig(process.env), { outdir }).app.synth();
