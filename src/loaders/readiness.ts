/* TRANSITIONAL — delete at integration: server.ts imports DenialEpisodes from here; it is src/auth/denials.ts's. */
export { DenialEpisodes } from "../auth/denials";
