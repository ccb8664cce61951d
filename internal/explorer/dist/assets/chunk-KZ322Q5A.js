import{a}from"./chunk-JSSOGFXD.js";import"./chunk-DFZTPQR2.js";export default a();
