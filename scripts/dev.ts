import { run } from "./runtime";

void run("dev");
