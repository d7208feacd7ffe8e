// jwmodel's ribbon has one button, "Returns", which opens the task pane (manifest.xml, ShowTaskpane):
// no button runs a function, so nothing is associated here. (This file replaces xlwings Server's
// sample, whose "Hello World" button called a script this add-in does not have.)
