# sam build builds the DependenciesLayer with this target (template.yaml: BuildMethod makefile).
# It needs Node 24 and the project's node_modules (npm install), as npm run build does.
build-DependenciesLayer:
	node layers/build.ts "$(ARTIFACTS_DIR)"
