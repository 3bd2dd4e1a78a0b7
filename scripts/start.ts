import { run } from "./runtime";

void run("start");
