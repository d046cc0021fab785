// Package planner turns the desired fleet (spec), the state and the live
// inventory into a Plan: plain, serializable data holding the actions, the
// edges between them, the drift the refresh found and the rollout batches;
// and renders plans for people (text, markdown), programs (JSON) and
// Graphviz (DOT).
//
// planner never calls a provider's mutating methods; it only reads inventory
// handed to it.
package planner
